namespace LogPipeline.Bench.Soak;

/// <summary>Stores a value at an index of an array that grows (at least doubling) to hold it: the soak's tables by
/// Kafka offset or by sequence number, which are filled in no fixed order and without a known end.</summary>
internal static class GrowingArray
{
    public static void Set<T>(ref T[] array, long index, T value)
    {
        if (index >= array.Length)
        {
            Array.Resize(ref array, (int)Math.Max(index + 1, array.Length * 2L));
        }

        array[index] = value;
    }
}
