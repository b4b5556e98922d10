namespace GuidedCam.Metrics;

/// <summary>Where a curve figure's legend goes: the corner a metric's curves usually leave free.</summary>
public enum CurveLegendCorner { UpperRight, LowerRight, LowerLeft, UpperLeft }
