using GuidedCam.Harness.Cli;

return CommandLine.Run(args);
