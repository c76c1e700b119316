using System.Text;

namespace LogPipeline.Demo.Generator;

/// <summary>Lines the worker must refuse, one per parser rejection code: invalid JSON, not an object, invalid
/// UTF-8, too large, too deep, blank. Oversized lines are capped (<see cref="SmmLogGeneratorOptions.MaxOversized"/>)
/// because each is as big as the record limit.</summary>
internal sealed class PoisonLines(RandomValues random, SmmLogGeneratorOptions options)
{
    private int _oversized;

    /// <summary>The next poison line; <paramref name="timestamp"/> is the generator's clock, formatted.</summary>
    public SmmLogLine Next(string timestamp)
    {
        var kind = random.Of(SmmLogGenerator.PoisonKinds);
        if (kind == "too_large" && _oversized >= options.MaxOversized)
        {
            kind = "invalid_json";
        }

        byte[] bytes;
        switch (kind)
        {
            case "invalid_json":
                bytes = Encoding.UTF8.GetBytes(random.Next(3) switch
                {
                    0 => $"{{\"@timestamp\":\"{timestamp}\",\"level\":\"info\",\"message\":\"truncated in fli",
                    1 => $"{{\"@timestamp\":\"{timestamp}\",\"level\":\"info\",}}",
                    _ => $"level=info ts={timestamp} msg=\"plain text line from a sidecar\"",
                });
                break;
            case "not_an_object":
                bytes = Encoding.UTF8.GetBytes(random.Next(2) == 0 ? $"[{{\"@timestamp\":\"{timestamp}\"}}]" : "\"just a string\"");
                break;
            case "invalid_utf8":
                var prefix = Encoding.UTF8.GetBytes($"{{\"@timestamp\":\"{timestamp}\",\"message\":\"bad byte ");
                bytes = [.. prefix, 0xC3, 0x28, .. "\"}"u8];
                break;
            case "too_large":
                _oversized++;
                var filler = new string('x', options.MaxRecordBytes);
                bytes = Encoding.UTF8.GetBytes($"{{\"@timestamp\":\"{timestamp}\",\"message\":\"{filler}\"}}");
                break;
            case "too_deep":
                var depth = options.MaxDepth + 2;
                bytes = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth));
                break;
            default:
                bytes = "   "u8.ToArray();
                break;
        }

        return new SmmLogLine(bytes, string.Empty, kind, null, null);
    }
}
