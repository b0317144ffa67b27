from rivalry.cli import main

main()
