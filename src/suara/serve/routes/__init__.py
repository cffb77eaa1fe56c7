"""The web app's routes, one module per area: `public` (health, login, logout), `pages`
(the server-rendered war room), `api` (the JSON API under ``/api/v1``). Each route is a few
lines over the workspace (`suara.api.Workspace`) and the shared `suara.serve.state.WebState`."""
from suara.serve.routes import api, pages, public

__all__ = ["api", "pages", "public"]
