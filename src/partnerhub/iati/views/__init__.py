"""IATI pages: uploading a file and following its import, and the IATI download of the engagement list."""
