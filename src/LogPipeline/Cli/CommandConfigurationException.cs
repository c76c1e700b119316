namespace LogPipeline.Cli;

/// <summary>A command-line option or the configuration it points to cannot be used; the message names the
/// option and says how to fix it.</summary>
internal sealed class CommandConfigurationException(string message) : Exception(message);
