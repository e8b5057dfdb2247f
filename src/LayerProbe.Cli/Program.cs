using LayerProbe.Cli;

return CliApp.Run(args);
