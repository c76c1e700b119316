using System.Reflection;
using BenchmarkDotNet.Running;
using LogPipeline.Bench;

// Usage:
//   dotnet run -c Release --project bench/LogPipeline.Bench -- bdn [BenchmarkDotNet arguments]
//   dotnet run -c Release --project bench/LogPipeline.Bench -- <harness> [harness options]
var harnesses = typeof(IHarness).Assembly.GetTypes()
    .Where(t => typeof(IHarness).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IHarness)Activator.CreateInstance(t)!)
    .OrderBy(h => h.Name, StringComparer.Ordinal)
    .ToList();

if (args.Length > 0 && args[0] == "bdn")
{
    BenchmarkSwitcher.FromAssembly(Assembly.GetExecutingAssembly()).Run(args[1..]);
    return 0;
}

var harness = args.Length > 0 ? harnesses.FirstOrDefault(h => h.Name == args[0]) : null;
if (harness is null)
{
    Console.Error.WriteLine("usage: LogPipeline.Bench bdn [BenchmarkDotNet args] | <harness> [options]");
    Console.Error.WriteLine("harnesses:");
    foreach (var h in harnesses)
    {
        Console.Error.WriteLine($"  {h.Name,-12} {h.Description}");
    }

    return 2;
}

return await harness.RunAsync(args[1..]);
