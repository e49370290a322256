import CLibCrypto

/// MD5 and SHA-256 from OpenSSL's libcrypto (the library Debian's libpq already links, so the
/// project builds no second copy of a cryptography library). MD5 is what the checksum oracle needs
/// to compute, from the seed, the sums PostgreSQL's `md5()` computes over the tables; SHA-256
/// fingerprints the files a stored lifecycle stage was built by.
///
/// A digest that OpenSSL refuses (MD5 under a FIPS-only configuration) stops the process with the
/// algorithm's name: every verdict that rests on it would be wrong, not merely unavailable.
public struct Digest: ~Copyable {
    /// The algorithms the project uses.
    public enum Algorithm: String, Sendable {
        case md5 = "MD5"
        case sha256 = "SHA-256"

        /// Fetched from OpenSSL's provider once: a digest started with a fetched algorithm skips
        /// the lookup OpenSSL 3 otherwise makes on every start (the checksums hash one row at a time).
        fileprivate var evp: OpaquePointer {
            switch self {
            case .md5: Self.fetchedMD5
            case .sha256: Self.fetchedSHA256
            }
        }

        nonisolated(unsafe) private static let fetchedMD5 = fetch("MD5")
        nonisolated(unsafe) private static let fetchedSHA256 = fetch("SHA256")

        private static func fetch(_ name: String) -> OpaquePointer {
            guard let algorithm = EVP_MD_fetch(nil, name, nil) else {
                fatalError("OpenSSL's libcrypto has no \(name) digest here (a FIPS-only configuration refuses MD5)")
            }
            return algorithm
        }
    }

    private let context: OpaquePointer
    private let algorithm: Algorithm

    public init(_ algorithm: Algorithm) {
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, algorithm.evp, nil) == 1 else {
            fatalError("OpenSSL's libcrypto refused to start a \(algorithm.rawValue) digest")
        }
        self.context = context
        self.algorithm = algorithm
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds bytes to the digest.
    public mutating func update(_ bytes: [UInt8]) {
        let added = bytes.withUnsafeBytes { EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
        guard added == 1 else {
            fatalError("OpenSSL's libcrypto failed to add bytes to a \(algorithm.rawValue) digest")
        }
    }

    /// The digest of everything added; the value is used up.
    public consuming func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context, &out, &length) == 1 else {
            fatalError("OpenSSL's libcrypto failed to finish a \(algorithm.rawValue) digest")
        }
        return Array(out.prefix(Int(length)))
    }

    /// The digest of one byte string.
    public static func of(_ bytes: [UInt8], _ algorithm: Algorithm) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let done = bytes.withUnsafeBytes { EVP_Digest($0.baseAddress, $0.count, &out, &length, algorithm.evp, nil) }
        guard done == 1 else { fatalError("OpenSSL's libcrypto failed to compute a \(algorithm.rawValue) digest") }
        return Array(out.prefix(Int(length)))
    }
}
