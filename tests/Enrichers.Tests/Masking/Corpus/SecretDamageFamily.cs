namespace Enrichers.Tests.Masking.Corpus;

/// <summary>Harmless values that look like secrets or sit next to secret words, which must survive: strong-name
/// <c>PublicKeyToken</c>s, tokenizer settings, token counts, prose about passwords, prefixes of vendor tokens in
/// ordinary words, ports in URLs, status codes, dollar amounts, function signatures, form fields that are not
/// secrets.</summary>
internal sealed class SecretDamageFamily : ICorpusFamily
{
    public string Name => "secret-damage";

    public IEnumerable<CorpusCase> Cases(Random random)
    {
        for (var i = 0; i < 3; i++)
        {
            var n = random.Next(100, 9000);
            yield return Keep($"PublicKeyToken in a stack trace #{i}", CorpusRecords.Message($"System.IO.FileNotFoundException: Could not load file or assembly 'Newtonsoft.Json, Version=13.0.0.0, Culture=neutral, PublicKeyToken=30ad4fe6b2a6aeed'\n   at App.Startup.Configure() in /src/Startup.cs:line {n}"),
                ["PublicKeyToken=30ad4fe6b2a6aeed", "Version=13.0.0.0", $"line {n}"]);
            yield return Keep($"PublicKeyToken in an assembly name #{i}", CorpusRecords.Fields("""
                "assembly":"System.Private.CoreLib, Version=10.0.0.0, Culture=neutral, PublicKeyToken=7cec85d7bea7798e","publicKeyToken":"b77a5c561934e089"
                """), ["PublicKeyToken=7cec85d7bea7798e", "b77a5c561934e089"]);
            yield return Keep($"tokenizer config #{i}", CorpusRecords.Fields("""
                "tokenizer":{"eos_token":"</s>","bos_token":"<s>","pad_token":"<pad>","unk_token":"<unk>","mask_token":"<mask>","sep_token":"[SEP]","cls_token":"[CLS]"}
                """), ["</s>", "<s>", "<pad>", "<unk>", "<mask>", "[SEP]", "[CLS]"]);
            yield return Keep($"tokenizer config as text #{i}", CorpusRecords.JsonInString("""{"eos_token": "</s>", "pad_token": "<|endoftext|>", "model_max_length": 4096}"""), ["</s>", "<|endoftext|>"]);
            yield return Keep($"token counts #{i}", CorpusRecords.Fields($$"""
                "usage":{"token_count":{{n}},"max_tokens":{{n + 1}},"tokens":{{n + 2}},"prompt_tokens":{{n + 3}}},"message":"max_tokens={{n + 1}} token_count: {{n}}"
                """), [$"\"token_count\":{n}", $"max_tokens={n + 1}", $"token_count: {n}"]);
            yield return Keep($"prose about passwords #{i}", CorpusRecords.Message("login failed: password is incorrect for user; the password was reset yesterday and password is required"),
                ["password is incorrect", "password was reset yesterday", "password is required"]);
            yield return Keep($"password policy #{i}", CorpusRecords.Fields("""
                "password_policy":"strict","password_min_length":12,"message":"Password must contain 12 characters"
                """), ["strict", "Password must contain 12 characters"]);
            yield return Keep($"vendor prefixes in words #{i}", CorpusRecords.Message("pip install hf_transfer scikit-learn; npm_config_cache=/tmp/npm; model pplx-7b-online via xai-sdk; key-value store; disk-usage and task-runner ok"),
                ["hf_transfer", "scikit-learn", "npm_config_cache=/tmp/npm", "pplx-7b-online", "xai-sdk", "key-value store", "disk-usage", "task-runner"]);
            yield return Keep($"urls with ports #{i}", CorpusRecords.Message($"GET https://api.example.com:8443/users/@me and http://grafana:3000/d/abc?from=now-1h 200"),
                ["https://api.example.com:8443/users/@me", "http://grafana:3000/d/abc?from=now-1h"]);
            yield return Keep($"status codes #{i}", CorpusRecords.Message($"GET /cb?code=200&state=ok exit_code=1 error_code=E{n}"), ["code=200", "exit_code=1", $"error_code=E{n}"]);
            yield return Keep($"dollars and shell #{i}", CorpusRecords.Message($"budget $500.00 spent $12.50; run: echo $PATH ${{HOME}}/bin"), ["$500.00", "$12.50", "$PATH", "${HOME}/bin"]);
            yield return Keep($"function signature #{i}", CorpusRecords.Fields("""
                "function_signature":"def run(input: str) -> dict","method_signature":"Task<int> RunAsync(CancellationToken ct)"
                """), ["def run(input: str) -> dict", "Task<int> RunAsync(CancellationToken ct)"]);
            yield return Keep($"form fields #{i}", CorpusRecords.Message("Content-Disposition: form-data; name=\"file\"; filename=\"report.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7"),
                ["filename=\"report.pdf\"", "%PDF-1.7"]);
            yield return Keep($"command lines #{i}", CorpusRecords.Message("mysql -h db.internal -P 3306 -u app shop; curl -u admin https://ci.example.com; ls -la /tmp"),
                ["-P 3306", "-u admin https://ci.example.com", "ls -la /tmp"]);
            yield return Keep($"passes and names #{i}", CorpusRecords.Fields("""
                "forward_pass_ms":12.5,"first_pass":"ok","name":"checkout","value":"blue","header_name":"Accept","header_value":"text/html"
                """), ["\"ok\"", "\"blue\"", "text/html"]);
            yield return Keep($"xml without secrets #{i}", CorpusRecords.Message("<config><timeout>30</timeout><user>svc</user></config>"), ["<timeout>30</timeout>", "<user>svc</user>"]);
            yield return Keep($"certificate #{i}", CorpusRecords.Message("-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAKHBfpegPjMCMA0GCSqGSIb3DQEBCwUAMBExDzANBgNVBAMMBnVu\n-----END CERTIFICATE-----"),
                ["MIIBkTCB+wIJAKHBfpegPjMCMA0GCSqGSIb3DQEBCwUAMBExDzANBgNVBAMMBnVu"]);
        }
    }

    private CorpusCase Keep(string name, string json, IReadOnlyList<string> keep) => new(Name, name, json, [], keep);
}
