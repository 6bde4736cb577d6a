-- Clusters: one row per cluster of each clusters segmentation (`clusters:` in the pipeline
-- file) per snapshot, replaced with the snapshot when it is published again. Members are in
-- customer_segments like any segmentation (segment keys <segmentation_key>:cluster_<id>);
-- this table says what each cluster is. The next snapshot with the same clusters
-- configuration (config_hash) starts from these centroids, so cluster ids stay stable.

create table cluster_profiles (
    as_of            date not null,
    segmentation_key text not null,
    cluster_id       int4 not null,
    segment_key      text not null,
    name             text not null,
    config_hash      text not null,
    size             int8 not null,
    share            float8 not null,
    features         jsonb not null,
    drift            float8,
    k                int4 not null,
    clustered        int8 not null,
    iterations       int4 not null,
    converged        bool not null,
    inertia          float8 not null,
    silhouette       float8,
    silhouette_by_k  jsonb,
    warm_start       bool not null,
    primary key (as_of, segmentation_key, cluster_id)
);

comment on table cluster_profiles is 'Grain: one row per snapshot (as_of), clusters segmentation and cluster. What each data-driven cluster is: size, share, per-feature means and z-scores, a generated name, and how the k-means fit went (the fit columns repeat on every cluster of the segmentation and as_of). Published atomically with the snapshot.';
comment on column cluster_profiles.as_of is 'As-of day of the snapshot.';
comment on column cluster_profiles.segmentation_key is 'Key of the clusters segmentation in the pipeline file.';
comment on column cluster_profiles.cluster_id is 'Id of the cluster, 1-based; stable from one snapshot to the next while the clusters configuration (config_hash) is unchanged: the new clusters are matched to the previous snapshot''s centroids.';
comment on column cluster_profiles.segment_key is 'The cluster''s segment key in customer_segments and segment_definitions: <segmentation_key>:cluster_<cluster_id>.';
comment on column cluster_profiles.name is 'Generated name from the cluster''s most distinctive features (the two largest |z-score| of at least 0.5), e.g. "frequent, recent"; "average" when none stands out.';
comment on column cluster_profiles.config_hash is 'SHA-256 of the settings that shape the clusters (features, transforms, standardise, k, seed, sample, missing, max_iterations, rule). A snapshot starts from the previous snapshot''s centroids only when this is equal.';
comment on column cluster_profiles.size is 'Point-in-time: customers in the cluster. Never sum across as_of.';
comment on column cluster_profiles.share is 'size / clustered: the cluster''s share of the clustered customers (0..1).';
comment on column cluster_profiles.features is 'Per feature, in configuration order: [{"feature", "transform" (none or log1p), "standardised" (bool), "mean" (mean of the members'' present values, in the feature''s own units; null if none), "z_score" (the centroid against all clustered customers, in transformed units), "centroid" (the centroid in transformed units)}]. Long form: segflow_bi.fct_cluster_features.';
comment on column cluster_profiles.drift is 'Euclidean distance, in the standardised space of this snapshot, from the previous snapshot''s centroid of the same cluster_id to this one; null without a previous snapshot of the same configuration. Large values mean the cluster changed meaning.';
comment on column cluster_profiles.k is 'Clusters in this fit (fixed, chosen by silhouette from the range, or kept from the previous snapshot).';
comment on column cluster_profiles.clustered is 'Customers clustered in this snapshot (those passing the clusters rule and, with missing: exclude, having every feature).';
comment on column cluster_profiles.iterations is 'Lloyd iterations (assignment steps) of the fit.';
comment on column cluster_profiles.converged is 'True when the last assignment changed no label; false when max_iterations stopped the fit.';
comment on column cluster_profiles.inertia is 'Sum of squared distances of the clustered customers to their centroid, in the standardised space.';
comment on column cluster_profiles.silhouette is 'Mean silhouette (-1..1) of the fit on the deterministic sample; higher means better separated clusters. Null when it cannot be computed (one cluster).';
comment on column cluster_profiles.silhouette_by_k is 'For a k range chosen afresh: each candidate k''s mean silhouette of its fit on the sample (the sample alone), {"3": 0.41, ...}; the highest chose k. Null for a fixed k or a warm start.';
comment on column cluster_profiles.warm_start is 'True when the fit started from the previous snapshot''s centroids (same config_hash); false for a fresh k-means++ start.';

-- The long form for BI tools: one row per cluster and feature.
do $$
begin
    perform set_config('search_path', format('%I, %I, pg_catalog, pg_temp', current_schema() || '_bi', current_schema()), true);
end
$$;

create view fct_cluster_features as
select
    p.as_of,
    p.segmentation_key,
    p.cluster_id,
    p.segment_key,
    p.name                          as cluster_name,
    p.size,
    p.share,
    f.position::int4                as feature_position,
    f.value ->> 'feature'           as feature,
    f.value ->> 'transform'         as transform,
    (f.value ->> 'mean')::float8    as mean,
    (f.value ->> 'z_score')::float8 as z_score
from cluster_profiles p
cross join lateral jsonb_array_elements(p.features) with ordinality as f(value, position);

comment on view fct_cluster_features is 'Grain: one row per snapshot (as_of), clusters segmentation, cluster and feature. The profile of each cluster in long form, for heat maps of z_score by cluster and feature.';
comment on column fct_cluster_features.as_of is 'Dimension. As-of day of the snapshot.';
comment on column fct_cluster_features.segmentation_key is 'Dimension. Key of the clusters segmentation.';
comment on column fct_cluster_features.cluster_id is 'Dimension. Id of the cluster, stable across snapshots of the same clusters configuration.';
comment on column fct_cluster_features.segment_key is 'Dimension. The cluster''s segment key in customer_segments (joins dim_segment and fct_segment_kpis).';
comment on column fct_cluster_features.cluster_name is 'Dimension. Generated name of the cluster.';
comment on column fct_cluster_features.size is 'Point-in-time: customers in the cluster, repeated on every feature row: never sum across features or as_of.';
comment on column fct_cluster_features.share is 'Point-in-time: the cluster''s share of the clustered customers, repeated on every feature row; never sum.';
comment on column fct_cluster_features.feature_position is 'Dimension. Order of the feature in the clusters configuration.';
comment on column fct_cluster_features.feature is 'Dimension. Name of the feature (a customer_features column).';
comment on column fct_cluster_features.transform is 'Dimension. Transform applied before clustering: none or log1p.';
comment on column fct_cluster_features.mean is 'Point-in-time: mean of the members'' present values of the feature, in its own units; never summed (a mean).';
comment on column fct_cluster_features.z_score is 'Point-in-time: the cluster''s centroid on this feature as a z-score against all clustered customers (transformed units): how far above (+) or below (-) the average the cluster sits. Never sum.';
