namespace GuidedCam.Core;

/// <summary>
/// An immutable, ordered table of factories by config id: what the method and metric catalogs share.
/// Creating a component resolves its options; an unknown id is an error listing the known ones.
/// <see cref="With"/> gives a new catalog with one more component, so an extension or a test runs its
/// own components without touching the built-in catalog.
/// </summary>
/// <typeparam name="T">The component interface.</typeparam>
/// <typeparam name="TSelf">The concrete catalog, so <see cref="With"/> keeps its type.</typeparam>
public abstract class ComponentCatalog<T, TSelf> where TSelf : ComponentCatalog<T, TSelf>, new()
{
    private IReadOnlyList<(string Id, Func<IReadOnlyDictionary<string, string>?, T> Create)> _entries = [];

    /// <summary>What the components are called in errors ("method", "metric").</summary>
    protected abstract string Kind { get; }

    /// <summary>Ids in registration order.</summary>
    public IReadOnlyList<string> Ids => _entries.Select(e => e.Id).ToList();

    public bool Exists(string id) => _entries.Any(e => e.Id == id);

    /// <summary>Creates a component; unknown ids and options are errors that list what is allowed.</summary>
    public T Create(string id, IReadOnlyDictionary<string, string>? options = null)
    {
        foreach (var (known, create) in _entries)
            if (known == id) return create(options);
        throw new ArgumentException($"unknown {Kind} '{id}' (allowed: {string.Join(", ", Ids)})");
    }

    /// <summary>This catalog plus one component: <paramref name="id"/> added at the end, or replaced where it stands.</summary>
    public TSelf With(string id, Func<IReadOnlyDictionary<string, string>?, T> create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(create);
        var entries = _entries.ToList();
        int at = entries.FindIndex(e => e.Id == id);
        if (at >= 0) entries[at] = (id, create);
        else entries.Add((id, create));
        var next = new TSelf();
        next._entries = entries;
        return next;
    }
}
