from lrcli.entry import main

main()
