namespace LogPipeline.Demo.Generator;

/// <summary>The words the generated SMM logs are made of: models, tools, people, addresses, levels. Fixed lists,
/// so a seed always draws the same lines.</summary>
internal static class SmmVocabulary
{
    public static readonly string[] Categories =
        ["rate_limit", "quota", "timeout", "auth", "not_found", "validation", "protocol", "resource", "network", "upstream", "model", "internal"];

    // Addresses in MaxMind's public test databases, so GeoIP demos show hits.
    public static readonly string[] MaxMindTestAddresses =
        ["81.2.69.160", "2.125.160.216", "89.160.20.112", "216.160.83.56", "175.16.199.0", "2001:218::1", "67.43.156.1", "2a02:d280::1"];

    public static readonly string[] OtherPublicAddresses =
        ["104.18.7.192", "151.101.1.69", "35.190.247.13", "2606:4700:4700::1111", "2a00:1450:4001:80b::200e", "188.114.97.3"];

    public static readonly string[] PrivateAddresses =
        ["10.0.3.17", "10.12.0.4", "192.168.1.20", "172.16.5.9", "127.0.0.1", "::1", "fd12:3456:789a::1", "100.64.0.7"];

    public static readonly string[] Models =
        ["gpt-4o-2024-08-06", "claude-3-5-sonnet-20241022", "llama-3.1-70b-instruct", "mistral-large-2411", "gemini-1.5-pro-002"];

    public static readonly string[] Providers = ["openai", "anthropic", "meta", "mistral", "google"];

    public static readonly string[] Tools =
        ["github.search_issues", "jira.create_ticket", "slack.post_message", "postgres.query", "fs.read_file", "web.fetch"];

    public static readonly string[] AgentTypes = ["coding-agent", "research-agent", "support-agent", "planner", "reviewer"];

    public static readonly string[] FirstNames = ["jane", "omar", "li", "sofia", "kwame", "anna", "renée", "björn", "yuki", "maría"];

    public static readonly string[] Domains = ["example.com", "acme.io", "contoso.org", "smm-platform.dev", "mail.example.co.uk"];

    public static readonly string[] Actions =
        ["workspace.member.invite", "workspace.member.remove", "api_key.create", "api_key.revoke", "billing.plan.change", "sso.login"];

    public static readonly string[] Paths =
        ["/v1/workspaces/{ws}/agents", "/v1/workspaces/{ws}/workflows/{wf}/runs", "/v1/tenants/{tn}/usage", "/v1/workspaces/{ws}/members"];

    public static readonly string[] Levels = ["info", "info", "info", "info", "debug", "warn", "INFO", "Information", "warning"];

    public static readonly string[] ErrorLevels = ["error", "ERROR", "Error", "err", "fatal", "critical", "crit", "alert", "emerg", "panic"];
}
