using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace LogPipeline.FileSink;

/// <summary>Repairs the tail of a <c>_bulk</c> file left by a crash (kill -9 during a write), so the file stays
/// replayable: a partial last line is cut, and so is an action line whose document never got written. Only the
/// tail is read. The records concerned were never acknowledged, so Kafka redelivers them.</summary>
internal static partial class BulkFileRepair
{
    private const int MaxTail = 4 << 20;

    public static void RepairTail(string path, ILogger logger)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        var length = stream.Length;
        if (length == 0)
        {
            return;
        }

        var tailLength = (int)Math.Min(length, MaxTail);
        var tail = new byte[tailLength];
        stream.Position = length - tailLength;
        stream.ReadExactly(tail);

        var keep = tailLength;
        if (tail[^1] != (byte)'\n')
        {
            keep = tail.AsSpan().LastIndexOf((byte)'\n') + 1;
        }

        if (keep > 0)
        {
            var lastLineStart = tail.AsSpan(0, keep - 1).LastIndexOf((byte)'\n') + 1;
            var lastLine = System.Text.Encoding.UTF8.GetString(tail, lastLineStart, keep - 1 - lastLineStart);
            if (ActionLine().IsMatch(lastLine))
            {
                keep = lastLineStart;
            }
        }

        if (keep == tailLength)
        {
            return;
        }

        var newLength = length - tailLength + keep;
        stream.SetLength(newLength);
        stream.Flush(flushToDisk: true);
        logger.LogWarning("file sink repaired a torn tail of {Path}: cut {Bytes} bytes of unacknowledged records",
            path, length - newLength);
    }

    [GeneratedRegex("""^\{"create":\{"_index":"[^"]*","_id":"[^"]*"\}\}$""")]
    private static partial Regex ActionLine();
}
