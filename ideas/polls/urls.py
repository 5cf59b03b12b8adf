"""URLs for polls (HTML) and the polls REST API. Polls themselves are Wagtail pages."""

from django.urls import path

from ideas.polls import api, views

urlpatterns = [
    path("go/polls/", views.polls, name="polls"),
    path("polls/<id:pk>/answer/", views.answer, name="poll_answer"),
    path("polls/<id:pk>/conclude/", views.conclude, name="poll_conclude"),
    path("polls/<id:pk>/results.csv", views.export, name="poll_export"),
    path("api/v1/polls/", api.PollList.as_view(), name="api_polls"),
    path("api/v1/polls/<id:pk>/", api.PollDetail.as_view(), name="api_poll"),
    path("api/v1/polls/<id:pk>/ballot/", api.PollBallot.as_view(), name="api_poll_ballot"),
]
