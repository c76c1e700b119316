namespace Enrichers.Masking;

/// <summary>The credential formats known by their prefix, as data: one row per format (the shape secret scanners
/// such as gitleaks and trufflehog give their rules: a keyword prefix, a charset, a length, a checksum where the
/// format has one). The scanner stops at a prefix's first separator (<c>_</c>, <c>-</c>, <c>.</c>), looks behind it
/// for the head (a few characters) in a table indexed by the separator and the head's last character, and reads
/// the body once: a row costs nothing until its separator and last head character appear.
/// <para>Add a format here: a row and a test in <c>VendorTokenFamily</c>. Formats with no separator (AWS
/// <c>AKIA…</c>, Google <c>AIza…</c>, Atlassian <c>ATATT…</c>, Databricks <c>dapi…</c>, Twilio <c>SK…</c>) are in
/// <see cref="TokenDetector"/>.</para></summary>
internal static class VendorTokenRules
{
    public static readonly VendorTokenRule[] All =
    [
        // OpenAI (sk-, sk-proj-), Anthropic (sk-ant-), OpenRouter (sk-or-v1-), DeepSeek and others share sk-.
        new("openai-anthropic-openrouter", "sk", '-', "", TokenBody.Base64Url, 20),
        new("stripe-secret", "sk", '_', "live_", TokenBody.Alnum, 10, TailIgnoresCase: true),
        new("stripe-secret-test", "sk", '_', "test_", TokenBody.Alnum, 10, TailIgnoresCase: true),
        new("stripe-restricted", "rk", '_', "live_", TokenBody.Alnum, 10, TailIgnoresCase: true),
        new("stripe-restricted-test", "rk", '_', "test_", TokenBody.Alnum, 10, TailIgnoresCase: true),
        new("stripe-webhook", "whsec", '_', "", TokenBody.Alnum, 20),
        new("github-pat", "ghp", '_', "", TokenBody.Alnum, 30, Crc32: true),
        new("github-oauth", "gho", '_', "", TokenBody.Alnum, 30, Crc32: true),
        new("github-user-to-server", "ghu", '_', "", TokenBody.Alnum, 30, Crc32: true),
        new("github-server-to-server", "ghs", '_', "", TokenBody.Alnum, 30, Crc32: true),
        new("github-refresh", "ghr", '_', "", TokenBody.Alnum, 30, Crc32: true),
        new("github-fine-grained", "github", '_', "pat_", TokenBody.Word, 20),
        new("gitlab-pat", "glpat", '-', "", TokenBody.Base64Url, 20),
        new("gitlab-pipeline-trigger", "glptt", '-', "", TokenBody.Base64Url, 20),
        new("gitlab-deploy", "gldt", '-', "", TokenBody.Base64Url, 20),
        new("gitlab-runner", "glrt", '-', "", TokenBody.Base64Url, 20),
        new("gitlab-oauth-secret", "gloas", '-', "", TokenBody.Base64Url, 20),
        new("gitlab-feed", "glft", '-', "", TokenBody.Base64Url, 20),
        new("slack-bot", "xoxb", '-', "", TokenBody.Base64Url, 10),
        new("slack-user", "xoxp", '-', "", TokenBody.Base64Url, 10),
        new("slack-app-level", "xoxa", '-', "", TokenBody.Base64Url, 10),
        new("slack-legacy", "xoxs", '-', "", TokenBody.Base64Url, 10),
        new("slack-refresh", "xoxe", '-', "", TokenBody.Base64Url, 10),
        new("slack-config", "xoxr", '-', "", TokenBody.Base64Url, 10),
        new("slack-app", "xapp", '-', "", TokenBody.Base64Url, 10),
        new("slack-webhook", "hooks", '.', "slack.com/services/", TokenBody.Path, 20, KeepPrefix: true),
        new("discord-webhook", "discord", '.', "com/api/webhooks/", TokenBody.Path, 20, KeepPrefix: true),
        new("discordapp-webhook", "discordapp", '.', "com/api/webhooks/", TokenBody.Path, 20, KeepPrefix: true),
        new("huggingface", "hf", '_', "", TokenBody.Alnum, 30),
        new("groq", "gsk", '_', "", TokenBody.Alnum, 40),
        new("replicate", "r8", '_', "", TokenBody.Alnum, 30),
        new("npm", "npm", '_', "", TokenBody.Alnum, 36, Crc32: true),
        new("sendgrid", "SG", '.', "", TokenBody.Dotted, 60),
        new("google-oauth-access", "ya29", '.', "", TokenBody.Dotted, 20),
        new("google-oauth-client-secret", "GOCSPX", '-', "", TokenBody.Base64Url, 20),
        new("langsmith-personal", "lsv2", '_', "pt_", TokenBody.Word, 30),
        new("langsmith-service", "lsv2", '_', "sk_", TokenBody.Word, 30),
        new("perplexity", "pplx", '-', "", TokenBody.Alnum, 40),
        new("xai", "xai", '-', "", TokenBody.Alnum, 40),
        new("pinecone", "pcsk", '_', "", TokenBody.Word, 30),
        new("docker-pat", "dckr", '_', "pat_", TokenBody.Base64Url, 20),
        new("docker-oat", "dckr", '_', "oat_", TokenBody.Base64Url, 20),
        new("shopify-access", "shpat", '_', "", TokenBody.Hex, 32),
        new("shopify-custom-app", "shpca", '_', "", TokenBody.Hex, 32),
        new("shopify-private-app", "shppa", '_', "", TokenBody.Hex, 32),
        new("shopify-shared-secret", "shpss", '_', "", TokenBody.Hex, 32),
        new("digitalocean-pat", "dop", '_', "v1_", TokenBody.Hex, 64),
        new("digitalocean-oauth", "doo", '_', "v1_", TokenBody.Hex, 64),
        new("digitalocean-refresh", "dor", '_', "v1_", TokenBody.Hex, 64),
        new("mailgun", "key", '-', "", TokenBody.Hex, 32, 32),
        new("linear", "lin", '_', "api_", TokenBody.Alnum, 30),
        new("notion", "ntn", '_', "", TokenBody.Alnum, 40),
        new("postman", "PMAK", '-', "", TokenBody.Base64Url, 40),
        new("vault-service", "hvs", '.', "", TokenBody.Base64Url, 24),
        new("vault-batch", "hvb", '.', "", TokenBody.Base64Url, 24),
        new("doppler-personal", "dp", '.', "pt.", TokenBody.Alnum, 40),
        new("doppler-service", "dp", '.', "st.", TokenBody.Alnum, 40),
    ];

    /// <summary>The rows by separator (<c>_</c>, <c>-</c>, <c>.</c>) and the last character of their head.</summary>
    private static readonly VendorTokenRule[][][] Index = BuildIndex();

    /// <summary>The longest head: how far a separator looks behind itself.</summary>
    public static readonly int MaxHead = All.Max(r => r.Head.Length);

    /// <summary>The last two characters of every head, by separator: one bit per (separator, character before the
    /// last, last character), so a separator after other text is ruled out without a call.</summary>
    private static readonly ulong[] HeadEnds = BuildHeadEnds();

    /// <summary>Whether a head may end right before the separator: its last two characters are
    /// <paramref name="beforeLast"/> and <paramref name="last"/> (every head has at least two).</summary>
    public static bool MayEndHead(int separator, int beforeLast, int last)
    {
        if ((uint)beforeLast >= 128 || (uint)last >= 128 || SeparatorIndex(separator) is not (>= 0 and var s))
        {
            return false;
        }

        var bit = (s << 14) | (beforeLast << 7) | last;
        return (HeadEnds[bit >> 6] & (1UL << (bit & 63))) != 0;
    }

    public static ReadOnlySpan<VendorTokenRule> Candidates(int separator, int headLast) =>
        (uint)headLast < 128 && SeparatorIndex(separator) is >= 0 and var s ? Index[s][headLast] : default;

    private static int SeparatorIndex(int c) => c switch
    {
        '_' => 0,
        '-' => 1,
        '.' => 2,
        _ => -1,
    };

    private static ulong[] BuildHeadEnds()
    {
        var bits = new ulong[(3 << 14) / 64];
        foreach (var rule in All)
        {
            var bit = (SeparatorIndex(rule.Separator) << 14) | (rule.Head[^2] << 7) | rule.Head[^1];
            bits[bit >> 6] |= 1UL << (bit & 63);
        }

        return bits;
    }

    private static VendorTokenRule[][][] BuildIndex()
    {
        var index = new VendorTokenRule[3][][];
        for (var s = 0; s < 3; s++)
        {
            index[s] = new VendorTokenRule[128][];
            Array.Fill(index[s], []);
        }

        foreach (var rule in All)
        {
            var bySeparator = index[SeparatorIndex(rule.Separator)];
            var last = rule.Head[^1];
            bySeparator[last] = [.. bySeparator[last], rule];
        }

        return index;
    }
}
