#!/usr/bin/env python
"""Django's command-line utility for Cocreate."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")
    from community.startup import run_management

    run_management(sys.argv)


if __name__ == "__main__":
    main()
