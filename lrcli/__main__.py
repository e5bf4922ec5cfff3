from lrcli.cli import main

main()
