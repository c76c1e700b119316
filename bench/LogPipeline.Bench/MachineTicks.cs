using System.Globalization;

namespace LogPipeline.Bench;

/// <summary>The machine's CPU time from the first line of <c>/proc/stat</c> (all cores, in clock ticks): idle
/// (with I/O wait), stolen by the hypervisor, and the total. Zero where there is no <c>/proc/stat</c>.</summary>
internal readonly record struct MachineTicks(long Idle, long Steal, long Total)
{
    public static MachineTicks Read()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").FirstOrDefault(l => l.StartsWith("cpu ", StringComparison.Ordinal));
            if (line is null)
            {
                return default;
            }

            // cpu user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user.
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
                .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            return f.Length < 8 ? default : new MachineTicks(f[3] + f[4], f[7], f.Sum());
        }
        catch (IOException)
        {
            return default;
        }
    }

    public static MachineTicks operator -(MachineTicks a, MachineTicks b) => new(a.Idle - b.Idle, a.Steal - b.Steal, a.Total - b.Total);
}
