import Core
import Foundation
import Testing

/// The QR codes the platform prints decode, with Debian's `zbarimg`, to exactly what was encoded.
@Suite struct QRCodeTests {
    static let zbarimg = "/usr/bin/zbarimg"

    /// The code as a PGM image, 4 pixels per module, with the quiet zone.
    static func pgm(_ code: QRCode) -> Data {
        let scale = 4
        let side = (code.size + 8) * scale
        var pixels = [UInt8](repeating: 255, count: side * side)
        for (y, row) in code.modules.enumerated() {
            for (x, dark) in row.enumerated() where dark {
                for dy in 0..<scale {
                    for dx in 0..<scale { pixels[((y + 4) * scale + dy) * side + (x + 4) * scale + dx] = 0 }
                }
            }
        }
        return Data("P5\n\(side) \(side)\n255\n".utf8) + Data(pixels)
    }

    static func decode(_ code: QRCode) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let image = folder.appendingPathComponent("code.pgm")
        let output = folder.appendingPathComponent("out.txt")
        try pgm(code).write(to: image)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "\(zbarimg) --raw -q '\(image.path)' > '\(output.path)'"]
        try process.run()
        process.waitUntilExit()
        return String(decoding: try Data(contentsOf: output), as: UTF8.self)
            .trimmingCharacters(in: .newlines)
    }

    @Test(
        .enabled(if: FileManager.default.isExecutableFile(atPath: zbarimg), "needs zbar-tools"),
        arguments: [
            "A", "http://127.0.0.1:8080/verify/D7KQ2M9PXA",
            "https://portal.tazakoom.kg/verify/D7KQ2M9PXA7Q3ZC8",
            "https://tunduk.gov.kg/verify/" + String(repeating: "X", count: 120),
            "Кыргыз Республикасы: документ",
        ])
    func codesDecodeToTheirText(text: String) throws {
        #expect(try Self.decode(try QRCode(text)) == text)
    }

    @Test func sizesFollowTheVersionAndTooLongIsRefused() throws {
        #expect(try QRCode("A").size == 21)
        #expect(try QRCode(String(repeating: "x", count: 100)).size > 33)
        #expect(throws: QRCode.TooLong.self) { try QRCode(String(repeating: "x", count: 300)) }
        let svg = try QRCode("a<b").svg(label: "a<b \"c\"")
        #expect(svg.hasPrefix("<svg") && svg.contains(#"aria-label="a&lt;b &quot;c&quot;""#))
    }
}
