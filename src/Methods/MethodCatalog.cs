using GuidedCam.Core;

namespace GuidedCam.Methods;

/// <summary>
/// The methods a run can name, by config id, in registration order. Never changes once built:
/// <see cref="With"/> gives a new catalog with one more method, so an extension or a test runs its own
/// methods without touching <see cref="MethodRegistry.BuiltIn"/>.
/// </summary>
public sealed class MethodCatalog
{
    private readonly ComponentFactories<ISaliencyMethod> _factories;

    public MethodCatalog() : this(new ComponentFactories<ISaliencyMethod>("method")) { }

    private MethodCatalog(ComponentFactories<ISaliencyMethod> factories) => _factories = factories;

    public IReadOnlyList<string> Ids => _factories.Ids;

    public bool Exists(string id) => _factories.Exists(id);

    /// <summary>Creates a method; unknown ids and options are errors that list what is allowed.</summary>
    public ISaliencyMethod Create(string id, IReadOnlyDictionary<string, string>? options = null) => _factories.Create(id, options);

    /// <summary>This catalog plus one method (replacing a method of the same id where it stands).</summary>
    public MethodCatalog With(string id, Func<IReadOnlyDictionary<string, string>?, ISaliencyMethod> factory) => new(_factories.With(id, factory));
}
