namespace LogPipeline.Cli;

/// <summary>How <see cref="ProgressLine"/> shows progress.</summary>
internal enum ProgressMode
{
    /// <summary>Nothing (a redirected stream that scripts read).</summary>
    Silent,

    /// <summary>One line per update (a redirected stream whose log is worth keeping).</summary>
    Lines,

    /// <summary>One line rewritten in place (a terminal).</summary>
    Interactive,
}
