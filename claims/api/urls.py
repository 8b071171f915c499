from django.urls import path

from . import stories, views

app_name = "api"

urlpatterns = [
    path("health", views.health, name="health"),
    path("health/live", views.liveness, name="health-live"),
    path("claims/", views.ClaimListApi.as_view(), name="claim_list"),
    path("claims/<int:pk>/", views.ClaimDetailApi.as_view(), name="claim_detail"),
    path(
        "claims/<int:pk>/claimreview",
        views.ClaimReviewJsonLdApi.as_view(),
        name="claim_claimreview",
    ),
    path("claims/<int:pk>/reviews/", views.ClaimReviewsApi.as_view(), name="claim_reviews"),
    path("claims/<int:pk>/related/", stories.ClaimRelatedApi.as_view(), name="claim_related"),
    path("stories/", stories.StoryListApi.as_view(), name="story_list"),
    path("stories/<int:pk>/", stories.StoryDetailApi.as_view(), name="story_detail"),
    path("articles/", views.ArticleListApi.as_view(), name="article_list"),
    path("articles/<int:pk>/", views.ArticleDetailApi.as_view(), name="article_detail"),
    path("articles/<int:pk>/claims/", views.ArticleClaimsApi.as_view(), name="article_claims"),
    path("sources/", views.SourceListApi.as_view(), name="source_list"),
]
