"""Schemathesis against /api/v1 as a town official and as the supervision office: no 5xx.

Every operation of the OpenAPI schema gets generated requests (valid and
invalid) through the real WSGI application and the demo database; a bounded
number of examples per operation keeps ``make test`` quick.
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

from guatu.accounts.models import User
from guatu.accounts.tokens import token_create
from guatu.api.v1 import api

pytestmark = pytest.mark.django_db
EXAMPLES = 12

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
application = get_wsgi_application()


@pytest.fixture(params=["town_shizhu", "supervisor"])
def bearer(request, demo) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token_create(user=User.objects.get(username=request.param))}"
    }


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_server_error(case, bearer):
    response = case.call(app=application, headers=bearer)
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
