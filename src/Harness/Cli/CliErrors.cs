using GuidedCam.Harness.Config;
using Spectre.Console;

namespace GuidedCam.Harness.Cli;

/// <summary>Turns input errors into clear one-line messages and exit code 2 (never a stack trace for bad input).</summary>
public static class CliErrors
{
    public static int Guard(Func<int> body)
    {
        try { return body(); }
        catch (ConfigException e)
        {
            foreach (var line in e.Errors) Console.Error.WriteLine("error: " + line);
            return 2;
        }
        catch (Exception e) when (ConfigValidator.IsInputError(e))
        {
            Console.Error.WriteLine("error: " + e.Message);
            return 2;
        }
    }
}
