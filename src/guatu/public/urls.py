"""``/public/``: the public's pages (no sign-in) and the office's page for them."""

from django.urls import path, register_converter

from guatu.public import manage, views


class DivisionCode:
    """A city's GB/T 2260 code in an address: digits only, so ``manage`` is never one."""

    regex = "[0-9]{2,12}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(DivisionCode, "citycode")

app_name = "public"
urlpatterns = [
    path("", views.root_view, name="root"),
    path("manage/", manage.manage_view, name="manage"),
    path("<citycode:city>/", views.city_view, name="city"),
    path("<citycode:city>/feed.xml", views.feed_view, name="feed"),
    path("<citycode:city>/<int:year>/<int:month>/", views.month_view, name="month"),
    path(
        "<citycode:city>/<int:year>/<int:month>/snapshot.xlsx", views.month_xlsx_view, name="xlsx"
    ),
    path(
        "<citycode:city>/<int:year>/<int:month>/photos/<int:number>.jpg",
        views.photo_view,
        name="photo",
    ),
]
