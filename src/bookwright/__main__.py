from bookwright.cli import main

raise SystemExit(main())
