import Crypto
import Foundation

/// A SHA-256 value in the Merkle tree: 32 bytes kept inline, so hashing millions of nodes allocates nothing.
public struct MerkleHash: Hashable, Sendable, CustomStringConvertible {
    /// The 32 bytes.
    public var storage: SIMD32<UInt8>

    public init(storage: SIMD32<UInt8>) {
        self.storage = storage
    }

    /// The hash with these 32 bytes, or nil for any other length.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        var storage = SIMD32<UInt8>()
        for (i, byte) in bytes.enumerated() { storage[i] = byte }
        self.storage = storage
    }

    /// Parses standard base64 of exactly 32 bytes.
    public init?(base64: String) {
        guard let data = Data(base64Encoded: base64) else { return nil }
        self.init(bytes: data)
    }

    /// Parses 64 hex digits.
    public init?(hex: String) {
        guard let bytes = Hex.decode(hex) else { return nil }
        self.init(bytes: bytes)
    }

    public var bytes: [UInt8] { (0..<32).map { storage[$0] } }
    public var base64: String { Data(bytes).base64EncodedString() }
    public var hex: String { bytes.map { String(format: "%02x", $0) }.joined() }
    public var description: String { base64 }

    init<D: Digest>(digest: D) {
        var storage = SIMD32<UInt8>()
        digest.withUnsafeBytes { raw in
            withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw.prefix(32))) }
        }
        self.storage = storage
    }
}

/// Hex encoding helpers for the offline tools.
public enum Hex {
    /// Bytes of an even-length hex string (upper or lower case), or nil.
    public static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let high = value(chars[i]), let low = value(chars[i + 1]) else { return nil }
            bytes.append(high << 4 | low)
            i += 2
        }
        return bytes
    }

    private static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: c - 48
        case 97...102: c - 87
        case 65...70: c - 55
        default: nil
        }
    }
}
