using System.Text;
using Enrichers.Tracing;

namespace Enrichers.Tests.Tracing;

public sealed class SharedRootServicesTests
{
    [Fact]
    public void A_name_seen_again_gets_the_service_made_for_it_the_first_time()
    {
        var services = new SharedRootServices();

        var first = services.Of("workspace-api"u8);

        Assert.Same(first, services.Of("workspace-api"u8));
        Assert.True(first.Is("workspace-api"u8));
    }

    [Fact]
    public void Names_that_share_their_length_and_first_and_last_bytes_get_services_of_their_own()
    {
        // Up to 16 bytes the length and the first and last 8 bytes are the name; past that, only the name's own
        // bytes can tell two apart.
        var services = new SharedRootServices();
        string[] names = ["ab", "\0ab", "a\0b", "checkout-api-eu-1-west", "checkout-api-us-1-west", "0123456789abcdefg", "0123456789abcdefh"];

        foreach (var name in names)
        {
            var bytes = Encoding.UTF8.GetBytes(name);
            var service = services.Of(bytes);
            Assert.True(service.Is(bytes), name);
            Assert.Same(service, services.Of(bytes));
        }
    }

    [Fact]
    public void Random_names_of_every_length_always_get_a_service_of_exactly_their_bytes()
    {
        // Far more names than places, from a small alphabet: places are taken over often, and look-alikes are common.
        var services = new SharedRootServices();
        var random = new Random(20261207);
        var names = Enumerable.Range(0, 2_000)
            .Select(_ => Enumerable.Range(0, random.Next(71)).Select(_ => (byte)"ab-\0"[random.Next(4)]).ToArray())
            .ToArray();
        var last = new Dictionary<string, RootService>();
        var shared = 0;
        for (var step = 0; step < 50_000; step++)
        {
            var name = names[random.Next(random.Next(2) == 0 ? 8 : names.Length)];
            var service = services.Of(name);
            Assert.True(service.Is(name));

            var key = Convert.ToHexString(name);
            if (last.TryGetValue(key, out var before) && ReferenceEquals(before, service))
            {
                shared++;
            }

            if (name.Length > 64)
            {
                Assert.False(ReferenceEquals(service, services.Of(name)), "a name over 64 bytes is not shared");
            }

            last[key] = service;
        }

        // The names that come back often are shared.
        Assert.True(shared > 10_000, $"shared {shared}");
    }
}
