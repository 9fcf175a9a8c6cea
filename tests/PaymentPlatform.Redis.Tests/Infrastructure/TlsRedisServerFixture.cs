using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace PaymentPlatform.Redis.Tests.Infrastructure;

/// <summary>A redis-server that accepts TLS only, with a throwaway self-signed certificate for localhost.</summary>
public sealed class TlsRedisServerFixture : RedisServerFixture
{
    private readonly Lazy<string> _thumbprint;

    public TlsRedisServerFixture()
    {
        _thumbprint = new Lazy<string>(CreateCertificate);
    }

    private string CertificatePath => Path.Combine(Directory, "server.crt");

    private string KeyPath => Path.Combine(Directory, "server.key");

    public string Thumbprint => _thumbprint.Value;

    public override string ConnectionString => $"127.0.0.1:{Port},password={Password},ssl=true,sslHost=localhost";

    protected override IEnumerable<string> ListenArguments()
    {
        _ = Thumbprint;
        return
        [
            "--port", "0",
            "--tls-port", Port.ToString(CultureInfo.InvariantCulture),
            "--tls-cert-file", CertificatePath,
            "--tls-key-file", KeyPath,
            "--tls-ca-cert-file", CertificatePath,
            "--tls-auth-clients", "no",
        ];
    }

    private string CreateCertificate()
    {
        var start = new ProcessStartInfo("openssl")
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (string argument in new[]
        {
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", KeyPath, "-out", CertificatePath, "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        })
        {
            start.ArgumentList.Add(argument);
        }
        using Process openssl = Process.Start(start) ?? throw new InvalidOperationException("openssl did not start.");
        string errors = openssl.StandardError.ReadToEnd();
        openssl.WaitForExit();
        if (openssl.ExitCode != 0)
        {
            throw new InvalidOperationException($"openssl could not create a test certificate (install it with apt-get install -y openssl): {errors}");
        }
        using X509Certificate2 certificate = X509Certificate2.CreateFromPem(File.ReadAllText(CertificatePath));
        return certificate.Thumbprint;
    }
}
