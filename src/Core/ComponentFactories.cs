namespace GuidedCam.Core;

/// <summary>
/// An immutable, ordered table of factories by config id: what the method and metric registries
/// share. Creating a component resolves its options; an unknown id is an error listing the known ones.
/// </summary>
public sealed class ComponentFactories<T>
{
    private readonly string _kind;
    private readonly IReadOnlyList<(string Id, Func<IReadOnlyDictionary<string, string>?, T> Create)> _entries;

    /// <param name="kind">What the components are called in errors ("method", "metric").</param>
    public ComponentFactories(string kind) : this(kind, Array.Empty<(string, Func<IReadOnlyDictionary<string, string>?, T>)>()) { }

    private ComponentFactories(string kind, IReadOnlyList<(string, Func<IReadOnlyDictionary<string, string>?, T>)> entries)
    {
        _kind = kind;
        _entries = entries;
    }

    /// <summary>Ids in registration order.</summary>
    public IReadOnlyList<string> Ids => _entries.Select(e => e.Id).ToList();

    public bool Exists(string id) => _entries.Any(e => e.Id == id);

    public T Create(string id, IReadOnlyDictionary<string, string>? options)
    {
        foreach (var (known, create) in _entries)
            if (known == id) return create(options);
        throw new ArgumentException($"unknown {_kind} '{id}' (allowed: {string.Join(", ", Ids)})");
    }

    /// <summary>A new table with <paramref name="id"/> added at the end, or replaced where it stands.</summary>
    public ComponentFactories<T> With(string id, Func<IReadOnlyDictionary<string, string>?, T> create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(create);
        var entries = _entries.ToList();
        int at = entries.FindIndex(e => e.Id == id);
        if (at >= 0) entries[at] = (id, create);
        else entries.Add((id, create));
        return new ComponentFactories<T>(_kind, entries);
    }
}
