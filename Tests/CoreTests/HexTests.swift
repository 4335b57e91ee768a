import Core
import Testing

@Suite struct HexTests {
    @Test func encodesLowerCaseAndDecodesEitherCase() {
        #expect(Hex.encode([0x00, 0x0f, 0xa5, 0xff, 0x10]) == "000fa5ff10")
        #expect(Hex.encode([UInt8]()) == "")
        #expect(Hex.encode((0...255).map(UInt8.init)).count == 512)
        #expect(Hex.decode("000FA5ff10") == [0x00, 0x0f, 0xa5, 0xff, 0x10])
        #expect(Hex.decode(Hex.encode((0...255).map(UInt8.init))) == (0...255).map(UInt8.init))
    }

    @Test(arguments: ["0", "abc", "zz", "0g", "ä0"])
    func refusesWhatIsNotEvenLengthHex(_ text: String) {
        #expect(Hex.decode(text) == nil)
    }
}

/// Random bytes for ids and tokens, drawn 64 bits at a time.
@Suite struct RandomBytesTests {
    @Test(arguments: [0, 1, 6, 8, 12, 33])
    func giveAsManyBytesAsAskedFor(_ count: Int) {
        #expect(Secrets.randomBytes(count).count == count)
    }

    @Test func drawsDiffer() {
        #expect(Secrets.randomBytes(16) != Secrets.randomBytes(16))
        #expect(Secrets.token().count == 43, "256 bits in unpadded base64")
    }
}
