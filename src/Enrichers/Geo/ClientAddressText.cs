using System.Runtime.CompilerServices;

namespace Enrichers.Geo;

/// <summary>Room for the text of an address (<see cref="IpAnonymizer.MaxTextLength"/> bytes) in a local of the method that
/// formats it: a <c>stackalloc</c> in the GeoIP enricher's record method (which has loops) had it compiled once, fully
/// optimized but before the classes it reads were set up, so each read of their static data went through a helper, and
/// without the profile the later compilation uses.</summary>
[InlineArray(IpAnonymizer.MaxTextLength)]
internal struct ClientAddressText
{
    private byte _first;
}
