try:
    from lrcli.entry import main
except KeyboardInterrupt:  # Ctrl-C while the entry module itself loads
    raise SystemExit(130) from None

main()
