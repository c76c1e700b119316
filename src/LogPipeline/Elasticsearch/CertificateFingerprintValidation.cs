using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LogPipeline.Elasticsearch;

/// <summary>Trust by SHA-256 fingerprint, as Elasticsearch prints it at first start: the fingerprint of its HTTP CA
/// (<c>http_ca.crt</c>), or of the server certificate itself. A CA fingerprint is honoured only when that CA is in
/// the chain the server sent and the server certificate chains up to it with nothing else wrong (validity, signature,
/// host name).
/// <para>The transport's own fingerprint check compares only the chain the platform built, which on Linux did not
/// contain a private CA the server sent, so a CA fingerprint never matched.</para></summary>
internal static class CertificateFingerprintValidation
{
    private const X509ChainStatusFlags Tolerated = X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain
        | X509ChainStatusFlags.RevocationStatusUnknown | X509ChainStatusFlags.OfflineRevocation;

    public static Func<object, X509Certificate?, X509Chain?, SslPolicyErrors, bool> Create(string fingerprint)
    {
        var expected = Convert.FromHexString(fingerprint.Replace(":", "", StringComparison.Ordinal));
        return (_, certificate, chain, errors) =>
        {
            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
            {
                return false;
            }

            using var leaf = new X509Certificate2(certificate);
            if (Matches(leaf, expected))
            {
                return true;
            }

            if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0 || chain is null)
            {
                return false;
            }

            // The chain the platform built from what the server sent: the pinned CA must be in it, above the server
            // certificate, and nothing below it may be wrong except that no root is trusted (which the pin replaces).
            var elements = chain.ChainElements;
            for (var i = 1; i < elements.Count; i++)
            {
                if (!Matches(elements[i].Certificate, expected))
                {
                    continue;
                }

                for (var j = 0; j <= i; j++)
                {
                    if (elements[j].ChainElementStatus.Any(s => (s.Status & ~Tolerated) != 0))
                    {
                        return false;
                    }
                }

                return true;
            }

            return false;
        };
    }

    private static bool Matches(X509Certificate2 certificate, byte[] expected) =>
        CryptographicOperations.FixedTimeEquals(certificate.GetCertHash(HashAlgorithmName.SHA256), expected);
}
