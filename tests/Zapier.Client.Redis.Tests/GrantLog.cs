namespace Zapier.Client.Redis.Tests;

/// <summary>
/// The times budgets granted their permits (the time each grant's lateness check used, through
/// <see cref="ZapierRedisBudget.OnGranted"/>), and how closely any run of them followed each other.
/// </summary>
internal sealed class GrantLog
{
    private readonly List<DateTimeOffset> _grants = [];

    /// <summary>Records the grants of <paramref name="budgets"/> from now on.</summary>
    public GrantLog(params IEnumerable<ZapierRedisBudget> budgets)
    {
        foreach (var budget in budgets)
        {
            budget.OnGranted = at =>
            {
                lock (_grants)
                {
                    _grants.Add(at);
                }
            };
        }
    }

    /// <summary>Forgets the grants recorded so far (e.g. a warm-up's).</summary>
    public void Clear()
    {
        lock (_grants)
        {
            _grants.Clear();
        }
    }

    /// <summary>The grants recorded, in time order.</summary>
    public DateTimeOffset[] Sorted()
    {
        lock (_grants)
        {
            return [.. _grants.Order()];
        }
    }

    /// <summary>The shortest time that any <paramref name="count"/> + 1 consecutive of the <paramref name="sorted"/> times span.</summary>
    public static TimeSpan Tightest(IReadOnlyList<DateTimeOffset> sorted, int count) =>
        Enumerable.Range(0, sorted.Count - count).Min(i => sorted[i + count] - sorted[i]);
}
