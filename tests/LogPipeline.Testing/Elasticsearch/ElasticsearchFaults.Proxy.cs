namespace LogPipeline.Testing.Elasticsearch;

/// <summary>Answers that never come from Elasticsearch: a proxy or gateway in front of the cluster refusing a
/// <c>_bulk</c> request itself (its own status, content type and body), as a body-size limit, a WAF rule or a header
/// the proxy does not accept would.</summary>
internal sealed partial class ElasticsearchFaults
{
    private int _proxyAnswers;
    private long _proxyAnswered;

    /// <summary>The next N <c>_bulk</c> requests are answered with <see cref="ProxyStatus"/>,
    /// <see cref="ProxyContentType"/> and <see cref="ProxyBody"/> without reaching the cluster (nothing is stored).
    /// <see cref="int.MaxValue"/> keeps answering until set back to 0.</summary>
    public int ProxyAnswerBulkRequests
    {
        get => Volatile.Read(ref _proxyAnswers);
        set => Volatile.Write(ref _proxyAnswers, value);
    }

    /// <summary>Status of the proxy's answer. Default 400.</summary>
    public int ProxyStatus { get; set; } = 400;

    /// <summary>Content type of the proxy's answer. Default <c>text/html</c>.</summary>
    public string ProxyContentType { get; set; } = "text/html";

    /// <summary>Body of the proxy's answer. Default nginx's page for 400.</summary>
    public string ProxyBody { get; set; } =
        "<html>\r\n<head><title>400 Bad Request</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

    /// <summary>Requests answered by the proxy so far.</summary>
    public long ProxyAnswered => Interlocked.Read(ref _proxyAnswered);

    internal bool TakeProxyAnswer()
    {
        while (true)
        {
            var n = Volatile.Read(ref _proxyAnswers);
            if (n <= 0)
            {
                return false;
            }

            if (n == int.MaxValue || Interlocked.CompareExchange(ref _proxyAnswers, n - 1, n) == n)
            {
                Interlocked.Increment(ref _proxyAnswered);
                return true;
            }
        }
    }
}
