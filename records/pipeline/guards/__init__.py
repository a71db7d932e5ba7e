"""What keeps runs safe: per-source locks, interrupts (Ctrl-C, SIGTERM), dead runs' cleanup."""
