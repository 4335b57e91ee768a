import Core
import Crypto

/// A file sent with a form. Its type is what its first bytes say, never what its name claims.
public struct UploadedFile: Sendable, Equatable {
    public var filename: String
    public var bytes: [UInt8]

    public init(filename: String, bytes: [UInt8]) {
        self.filename = filename
        self.bytes = bytes
    }

    /// `pdf`, `png` or `jpeg` by the file's signature, or nil for anything else.
    public var sniffedType: String? {
        if bytes.starts(with: Array("%PDF-".utf8)) { return "pdf" }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "png" }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "jpeg" }
        return nil
    }

    /// The media type of `sniffedType`.
    public var mediaType: String {
        switch sniffedType {
        case "pdf": "application/pdf"
        case "png": "image/png"
        case "jpeg": "image/jpeg"
        default: "application/octet-stream"
        }
    }

    public var sha256: String { Hex.encode(SHA256.hash(data: bytes)) }
}
