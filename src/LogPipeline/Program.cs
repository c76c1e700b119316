// Placeholder entry point until the CLI lands (issue: worker end to end).
return 0;
