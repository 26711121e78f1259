"""Reading and writing files: the YAML source, the bank, answers and personas files, safe writing.

Every file is read as if a stranger wrote it (docs/files.md): bounded, and
every problem one located line. Nothing here prints or imports Rich.
"""
