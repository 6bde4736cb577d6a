import Foundation
import Testing
@testable import PrometheusExport

@Suite struct TextfileWriterTests {
    private func makeDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("segflow-textfile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func replacesTheFileByRenameSoAnOpenReaderKeepsTheOldCompleteText() throws {
        let directory = try makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("segflow.prom").path
        try TextfileWriter.write("old 1\n", to: path)

        // A collector that opened the file before the write must still read the old file whole,
        // which an in-place truncate-and-write would break.
        let reader = try #require(FileHandle(forReadingAtPath: path))
        defer { try? reader.close() }
        try TextfileWriter.write("new 2\nnew 3\n", to: path)

        #expect(String(decoding: try reader.readToEnd() ?? Data(), as: UTF8.self) == "old 1\n")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new 2\nnew 3\n")
        // No temporary file is left behind, and the collector (another user) may read it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["segflow.prom"])
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o644)
    }

    @Test func aMissingDirectoryFailsWithThePathAndLeavesNothing() throws {
        let directory = try makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("absent/segflow.prom").path
        let error = #expect(throws: TextfileWriter.WriteError.self) { try TextfileWriter.write("x 1\n", to: path) }
        #expect(error?.description.contains(path) == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }
}
