namespace Enrichers.Files;

/// <summary>What <see cref="WatchedFile.Check{T}"/> found.</summary>
internal enum FileCheckOutcome
{
    /// <summary>The version in use is still there, or the replacement was refused before: nothing to do.</summary>
    Unchanged,

    /// <summary>A replacement was opened and is to be used from now on.</summary>
    Loaded,

    /// <summary>No file can be read at the path (deleted, a link pointing nowhere, no permission). Reported once
    /// until the file changes.</summary>
    Unreadable,

    /// <summary>The replacement could not be read yet (replaced again while being read, briefly locked): not a
    /// verdict on the file, tried again at the next check.</summary>
    Retry,

    /// <summary>The replacement is not usable; that version is not opened again.</summary>
    Refused,
}
