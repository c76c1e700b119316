namespace LogPipeline.Cli;

/// <summary>The live progress of a command that makes people wait (<c>demo</c>, <c>setup</c>, <c>validate</c>,
/// <c>replay</c>). On a terminal it is one line rewritten in place; when the stream is redirected it is either one
/// line per update (long runs whose log is worth keeping: <c>demo</c>, <c>replay</c>) or nothing (short commands
/// whose redirected output scripts read: <c>setup</c>, <c>validate</c>). Thread-safe: a timer may update it while
/// the command writes.</summary>
internal sealed class ProgressLine
{
    /// <summary>Wide enough for the demo's longest progress line; shorter lines are padded so that nothing of a
    /// longer previous one is left on the terminal.</summary>
    private const int Width = 110;

    private readonly TextWriter _writer;
    private readonly ProgressMode _mode;
    private readonly Lock _lock = new();
    private bool _shown;

    public ProgressLine(TextWriter writer, ProgressMode mode)
    {
        _writer = writer;
        _mode = mode;
    }

    /// <summary>Progress on <paramref name="writer"/>: rewritten in place when it is the console's stdout or stderr
    /// and that is a terminal; otherwise <paramref name="redirected"/>.</summary>
    public static ProgressLine For(TextWriter writer, ProgressMode redirected)
    {
        var terminal = (ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected)
                       || (ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected);
        return new ProgressLine(writer, terminal ? ProgressMode.Interactive : redirected);
    }

    /// <summary>Shows <paramref name="line"/> as the current progress.</summary>
    public void Update(string line)
    {
        lock (_lock)
        {
            switch (_mode)
            {
                case ProgressMode.Interactive:
                    _writer.Write("\r" + line.PadRight(Width));
                    _writer.Flush();
                    _shown = true;
                    break;
                case ProgressMode.Lines:
                    _writer.WriteLine(line);
                    break;
            }
        }
    }

    /// <summary>Removes the progress line, so that what follows starts on a clean line.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            if (_shown)
            {
                _writer.Write("\r" + new string(' ', Width) + "\r");
                _writer.Flush();
                _shown = false;
            }
        }
    }

    /// <summary>Replaces the progress with a line that stays (e.g. <c>produced 200,000 records in 2.1 s</c>); it is
    /// written whatever the mode.</summary>
    public void End(string line)
    {
        lock (_lock)
        {
            Clear();
            _writer.WriteLine(line);
        }
    }
}
