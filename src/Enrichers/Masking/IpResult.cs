namespace Enrichers.Masking;

/// <summary>What <see cref="IpDetector"/> made of a candidate address.</summary>
internal enum IpResult
{
    NotAnAddress,
    Kept,
    Public,
}
