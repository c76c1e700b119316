using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LogPipeline.Tests.Tls;

/// <summary>A throwaway private CA, server certificates for 127.0.0.1 and a client certificate that it signed,
/// made in memory with <see cref="CertificateRequest"/>; files for the options that take paths.</summary>
internal sealed class TestCertificates : IDisposable
{
    private readonly ECDsa _clientKey;

    public TestCertificates()
    {
        // ECDSA keys: generated in microseconds, where RSA keys take seconds on a busy CI machine.
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=LogPipeline test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        Ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddHours(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(san.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = serverRequest.Create(Ca, now.AddMinutes(-5), now.AddMinutes(55), [1, 2, 3, 4]);
        // Round-trip through PKCS#12 so the key is usable by the TLS stack on every platform.
        Server = X509CertificateLoader.LoadPkcs12(signed.CopyWithPrivateKey(serverKey).Export(X509ContentType.Pkcs12), null);

        // An HTTP CA below the root, as Elasticsearch's security auto-configuration makes one, and a server certificate
        // it signed: a TLS server built on .NET never sends a self-signed root in its chain, but it sends this.
        using var httpCaKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var httpCaRequest = new CertificateRequest("CN=LogPipeline test HTTP CA", httpCaKey, HashAlgorithmName.SHA256);
        httpCaRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        httpCaRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var httpCaSigned = httpCaRequest.Create(Ca, now.AddMinutes(-5), now.AddMinutes(58), [9, 9, 9, 9]);
        HttpCa = httpCaSigned.CopyWithPrivateKey(httpCaKey);
        using var behindKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var behindRequest = new CertificateRequest("CN=127.0.0.1", behindKey, HashAlgorithmName.SHA256);
        behindRequest.CertificateExtensions.Add(san.Build());
        behindRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var behindSigned = behindRequest.Create(HttpCa, now.AddMinutes(-5), now.AddMinutes(55), [1, 2, 3, 5]);
        ServerBehindHttpCa = X509CertificateLoader.LoadPkcs12(behindSigned.CopyWithPrivateKey(behindKey).Export(X509ContentType.Pkcs12), null);

        _clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var clientRequest = new CertificateRequest("CN=logpipeline-worker", _clientKey, HashAlgorithmName.SHA256);
        clientRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var clientSigned = clientRequest.Create(Ca, now.AddMinutes(-5), now.AddMinutes(55), [5, 6, 7, 8]);
        Client = X509CertificateLoader.LoadPkcs12(clientSigned.CopyWithPrivateKey(_clientKey).Export(X509ContentType.Pkcs12), null);
    }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 Server { get; }

    /// <summary>An intermediate CA (signed by <see cref="Ca"/>) that a server sends in its chain.</summary>
    public X509Certificate2 HttpCa { get; }

    /// <summary>A server certificate for 127.0.0.1 signed by <see cref="HttpCa"/>.</summary>
    public X509Certificate2 ServerBehindHttpCa { get; }

    /// <summary>A client certificate for mutual TLS (extended key usage clientAuth).</summary>
    public X509Certificate2 Client { get; }

    /// <summary>SHA-256 fingerprint of <see cref="HttpCa"/>, colon-separated as Elasticsearch prints its CA's at
    /// first start.</summary>
    public string HttpCaFingerprint => string.Join(':', Convert.ToHexString(HttpCa.GetCertHash(HashAlgorithmName.SHA256)).Chunk(2).Select(c => new string(c)));

    public string WriteCaPem(string directory, string name = "ca.crt")
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, Ca.ExportCertificatePem());
        return path;
    }

    /// <summary>The client certificate and its key as two PEM files.</summary>
    public (string Certificate, string Key) WriteClientPem(string directory)
    {
        var certificate = Path.Combine(directory, "client.crt");
        var key = Path.Combine(directory, "client.key");
        File.WriteAllText(certificate, Client.ExportCertificatePem());
        File.WriteAllText(key, _clientKey.ExportPkcs8PrivateKeyPem());
        return (certificate, key);
    }

    /// <summary>The client certificate with its key as a password-protected PKCS#12 file.</summary>
    public string WriteClientPkcs12(string directory, string password)
    {
        var path = Path.Combine(directory, "client.p12");
        File.WriteAllBytes(path, Client.Export(X509ContentType.Pkcs12, password));
        return path;
    }

    public void Dispose()
    {
        Ca.Dispose();
        Server.Dispose();
        Client.Dispose();
        HttpCa.Dispose();
        ServerBehindHttpCa.Dispose();
        _clientKey.Dispose();
    }
}
