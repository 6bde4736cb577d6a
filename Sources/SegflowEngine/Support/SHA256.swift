import CLibCrypto

/// SHA-256 for the configuration hash and migration checksums, from OpenSSL's libcrypto.
///
/// libpq already links libcrypto (libpq-dev depends on libssl-dev), so this costs no build
/// time; swift-crypto would compile BoringSSL, doubling a clean build (docs/architecture.md).
package enum SHA256 {
    /// The digest of `bytes` as 64 lower-case hex digits.
    package static func hex(_ bytes: some Collection<UInt8>) -> String {
        digest(Array(bytes)).map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    private static func digest(_ message: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let status = message.withUnsafeBytes { input in
            output.withUnsafeMutableBufferPointer { buffer in
                EVP_Digest(input.baseAddress, input.count, buffer.baseAddress, &length, EVP_sha256(), nil)
            }
        }
        // EVP_Digest fails only when it cannot allocate its context.
        precondition(status == 1 && length == 32, "SHA-256 from libcrypto failed")
        return output
    }
}
