"""gunicorn's access log without the secrets a URL may carry (a 大屏 link's token)."""

from gunicorn.glogging import Logger

from guatu.ops.logs import redact

#: The access-log fields that hold the request line, its path or its query, or the referer.
URL_ATOMS = ("r", "U", "q", "f")


class RedactingLogger(Logger):
    """The access log as gunicorn writes it, each URL field passed through ``redact``."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in URL_ATOMS:
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms
