"""Operations: backups and restores, the demo roster."""
