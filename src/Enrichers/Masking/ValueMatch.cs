namespace Enrichers.Masking;

/// <summary>A span of a string value to be replaced, and what it is.</summary>
internal readonly record struct ValueMatch(int Start, int End, MaskType Type);
