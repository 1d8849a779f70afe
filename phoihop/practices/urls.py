from django.urls import path

from phoihop.practices import views

app_name = "practices"

urlpatterns = [
    path("", views.practice_list, name="list"),
    path("recommended/", views.recommended, name="recommended"),
    path("new/", views.practice_register, name="register"),
    path("<int:pk>/", views.practice_detail, name="detail"),
    path("<int:pk>/edit/", views.practice_edit, name="edit"),
    path("<int:pk>/evaluate/", views.practice_evaluate, name="evaluate"),
    path("<int:pk>/replications/add/", views.practice_replicate, name="replicate"),
    path("<int:pk>/status/<slug:move>/", views.practice_move, name="move"),
]
