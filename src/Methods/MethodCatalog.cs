using GuidedCam.Core;

namespace GuidedCam.Methods;

/// <summary>
/// The methods a run can name, by config id, in registration order; never changes once built
/// (<see cref="ComponentCatalog{T, TSelf}.With"/> gives a new one), so nothing a test or an extension
/// registers changes <see cref="MethodRegistry.BuiltIn"/>.
/// </summary>
public sealed class MethodCatalog : ComponentCatalog<ISaliencyMethod, MethodCatalog>
{
    protected override string Kind => "method";
}
